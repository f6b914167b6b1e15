// On a phone the main menu is one row that scrolls sideways: bring the current page's item into view.
// Progressive enhancement only; the menu works without it.
document.addEventListener("DOMContentLoaded", () => {
  const current = document.querySelector('.main-nav a[aria-current="page"]');
  if (current && current.parentElement.parentElement.scrollWidth > current.parentElement.parentElement.clientWidth) {
    current.scrollIntoView({ block: "nearest", inline: "center" });
  }
});
