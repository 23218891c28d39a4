/**
 * Registers the service worker that keeps this page available offline, and says when it is:
 * with the model in the SDK's cache, a later visit without a network still classifies.
 */
export async function keepAvailableOffline(status: HTMLElement): Promise<void> {
  if (!('serviceWorker' in navigator)) return;
  try {
    await navigator.serviceWorker.register('/sw.js');
    await navigator.serviceWorker.ready;
    status.dataset.ready = 'true';
    status.textContent = 'This page works offline.';
  } catch (error) {
    status.textContent = `This page is not available offline (${(error as Error).message}).`;
  }
}
