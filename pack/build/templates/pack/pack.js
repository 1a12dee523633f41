document.querySelectorAll('button.toggle-code').forEach(function (button) {
  button.addEventListener('click', function () {
    var section = document.getElementById(button.getAttribute('aria-controls'));
    var shown = section.classList.toggle('show-code');
    button.setAttribute('aria-expanded', shown ? 'true' : 'false');
    button.textContent = shown ? 'Hide code' : 'Show code';
  });
});
