/* Enter in a slider's number box applies the typed value at once. Dash's slider applies it
   only when the box loses focus, so the box is left and entered again: typing continues. */
document.addEventListener("keydown", (event) => {
  const box = event.target;
  if (event.key !== "Enter" || !box.matches || !box.matches("input.dash-range-slider-input")) {
    return;
  }
  box.blur();
  box.focus();
});
