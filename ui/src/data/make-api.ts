// The UiApi the app runs with: the master that served the page, with this tab's credentials.
import type { Credentials } from '../../../src/client/index.js';
import { clientApi } from './client-adapter.js';
import type { UiApi } from './ui-api.js';

export function makeApi(credentials: Credentials | undefined): UiApi {
  return clientApi(window.location.origin, credentials);
}
