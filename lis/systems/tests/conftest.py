from lis.browser import browser, ui  # noqa: F401  - browser-test fixtures (see lis/browser.py)
