// A form with data-confirm="question" asks before it is sent (e.g. "Ta bort …?"). Progressive
// enhancement: without JavaScript the form is sent at once, and the server still decides.
// Listens on the document so that forms htmx swaps in later are covered too.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
});
