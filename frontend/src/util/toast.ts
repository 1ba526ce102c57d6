/**
 * What the user is told after an action, as Nextcloud tells it: a toast in the corner, read out
 * by screen readers (success politely, failure at once). Every action that succeeds or fails
 * says so through here, in the page's language (the caller passes translated words).
 *
 * The toasts' library loads on the first toast, not with the dialpad: nothing needs it before
 * someone has done something.
 */
const dialogs = () => Promise.all([import('@nextcloud/dialogs'), import('@nextcloud/dialogs/style.css')]).then(([m]) => m);

export function toastSuccess(message: string): void {
  void dialogs().then((m) => m.showSuccess(message));
}

export function toastError(message: string): void {
  void dialogs().then((m) => m.showError(message));
}
