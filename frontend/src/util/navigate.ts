/**
 * Leaves the app for another site's page (Nextcloud's consent page), which sends the browser back
 * here when it is done. Its own module, as the browser's location cannot be watched in a test.
 */
export function leaveFor(url: string): void {
  window.location.assign(url);
}
