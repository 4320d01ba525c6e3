// Asking for this device's name (docs/pages.md "Names"): until the person chose one, the camera
// and viewer pages show #name-ask with a suggestion (the model, or browser and system). It does
// not hold anything up: the page works meanwhile under the suggested name.
import { defaultName, hasChosenName, loadModel, setDeviceName } from './device';

/** Shows the question when no name was chosen yet; `saved` is told the chosen name. */
export function askForName(saved: (name: string) => void): void {
  const box = document.getElementById('name-ask') as HTMLFormElement | null;
  const input = document.getElementById('name-ask-input') as HTMLInputElement | null;
  if (!box || !input) return;
  if (hasChosenName()) {
    box.hidden = true;
    return;
  }
  input.value = defaultName();
  box.hidden = false;
  loadModel().then(() => {
    // A better suggestion arrived (the model): use it unless the person started typing.
    if (document.activeElement !== input) input.value = defaultName();
  });
  box.addEventListener('submit', (e) => {
    e.preventDefault();
    const name = setDeviceName(input.value);
    box.hidden = true;
    saved(name);
  });
}

/** A name was chosen elsewhere on the page (Rename): the question goes away. */
export function nameChosen(): void {
  const box = document.getElementById('name-ask');
  if (box) box.hidden = true;
}
