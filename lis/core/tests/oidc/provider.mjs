// A real OpenID Connect provider (panva/oidc-provider, an OpenID-certified implementation) on
// loopback for LIS's SSO tests (lis/core/tests/test_sso.py). Not for anything else.
//
//   node provider.mjs CONFIG.json
//
// CONFIG: {"clients": [{client_id, client_secret, redirect_uris}], "accounts": {sub: {claims}},
// "amr": [...], "acr": "..."}. The provider listens on a free port of 127.0.0.1 and prints one
// line of JSON, {"issuer": "http://127.0.0.1:PORT"}, when it is ready.
//
// Interactions: GET /interaction/UID shows a login form without a password (the test names the
// account); POST /interaction/UID/login {login} finishes it with the configured amr/acr. Consent
// is implied for the test clients (loadExistingGrant).
//
// Test-only tampering, to prove that LIS rejects a bad ID token: POST /__test__/tamper with a JSON
// object of claims replaces those claims in the next ID tokens the token endpoint returns,
// re-signed with the provider's own key; POST {} stops it.
import fs from 'node:fs';
import http from 'node:http';
import * as jose from 'jose';
import Provider from 'oidc-provider';

const config = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const { privateKey } = await jose.generateKeyPair('RS256', { extractable: true });
const signingJwk = { ...(await jose.exportJWK(privateKey)), kid: 'lis-test', alg: 'RS256', use: 'sig' };
let tamper = {};

const server = http.createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: config.clients.map((c) => ({
    client_id: c.client_id,
    client_secret: c.client_secret,
    redirect_uris: c.redirect_uris,
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_post',
  })),
  jwks: { keys: [signingJwk] },
  claims: {
    // Like Entra ID and most IdPs, every ID token says how the person authenticated.
    openid: ['sub', 'acr', 'amr'],
    email: ['email', 'email_verified'],
    profile: ['name', 'given_name', 'family_name'],
    employee: ['employee_number'],
  },
  scopes: ['openid', 'email', 'profile', 'employee'],
  acrValues: config.acr ? [config.acr] : [],
  features: { devInteractions: { enabled: false } },
  pkce: { required: () => true },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, sub) {
    const account = config.accounts[sub];
    if (!account) return undefined;
    return { accountId: sub, async claims() { return { sub, ...account }; } };
  },
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid email profile employee');
    grant.addOIDCClaims(['email', 'email_verified', 'employee_number', 'name', 'amr', 'acr']);
    await grant.save();
    return grant;
  },
});

provider.use(async (ctx, next) => {
  await next();
  if (ctx.path === '/token' && ctx.body && ctx.body.id_token && Object.keys(tamper).length) {
    const claims = { ...jose.decodeJwt(ctx.body.id_token), ...tamper };
    ctx.body = {
      ...ctx.body,
      id_token: await new jose.SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'lis-test' }).sign(privateKey),
    };
  }
});

const callback = provider.callback();

function readBody(req) {
  return new Promise((resolve) => {
    let data = '';
    req.on('data', (chunk) => { data += chunk; });
    req.on('end', () => resolve(data));
  });
}

server.on('request', async (req, res) => {
  try {
    const url = new URL(req.url, issuer);
    if (url.pathname === '/__test__/tamper' && req.method === 'POST') {
      tamper = JSON.parse((await readBody(req)) || '{}');
      res.writeHead(204).end();
      return;
    }
    const match = url.pathname.match(/^\/interaction\/([^/]+)(\/login)?$/);
    if (match && req.method === 'GET') {
      await provider.interactionDetails(req, res);
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<form method="post" action="/interaction/${match[1]}/login"><input name="login"><button>Logga in</button></form>`);
      return;
    }
    if (match && match[2] && req.method === 'POST') {
      const login = new URLSearchParams(await readBody(req)).get('login');
      if (!config.accounts[login]) {
        res.writeHead(400).end('unknown account');
        return;
      }
      const result = { login: { accountId: login, amr: config.amr, acr: config.acr } };
      await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
      return;
    }
    callback(req, res);
  } catch (error) {
    res.writeHead(500).end(String(error));
  }
});

process.stdout.write(`${JSON.stringify({ issuer })}\n`);
