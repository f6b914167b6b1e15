// Security keys and passkeys (lis.core.mfa): the page puts the server's options in a JSON
// <script> (#webauthn-options); the button asks the browser for the key and posts its answer.
(function () {
  'use strict'
  const data = document.getElementById('webauthn-options')
  const button = document.getElementById('webauthn-start')
  if (!data || !button || !window.PublicKeyCredential || !window.webauthnJSON) return
  const input = document.getElementById('id_credential')
  const status = document.getElementById('webauthn-status')
  const options = JSON.parse(data.textContent)
  button.addEventListener('click', async function () {
    status.hidden = true
    try {
      const answer = button.dataset.mode === 'create'
        ? await window.webauthnJSON.create(options)
        : await window.webauthnJSON.get(options)
      input.value = JSON.stringify(answer)
      input.form.submit()
    } catch (error) {
      status.hidden = false
    }
  })
  button.hidden = false
  const missing = document.getElementById('webauthn-missing')
  if (missing) missing.hidden = true
})()
