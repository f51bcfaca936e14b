// A print button without inline script (the Content Security Policy forbids it).
document.addEventListener("click", (event) => {
  if (event.target.closest(".js-print")) {
    window.print();
  }
});
