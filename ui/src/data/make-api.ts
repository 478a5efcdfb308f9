// The UiApi the app runs with: over the master that served the page.
import { interimApi } from './interim-http.js';
import type { Credentials, UiApi } from './ui-api.js';

export function makeApi(creds: () => Credentials | undefined): UiApi {
  return interimApi('', creds);
}
