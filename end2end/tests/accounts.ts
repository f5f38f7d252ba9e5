import path from 'path';

/** The demo users (server/src/accounts.rs), one per role. */
export const USERS = {
  viewer: { email: 'viewer@preflight.demo', password: 'preflight-viewer' },
  editor: { email: 'editor@preflight.demo', password: 'preflight-editor' },
  admin: { email: 'admin@preflight.demo', password: 'preflight-admin' },
};

/** Where the global set-up keeps each user's signed-in session. */
export function stateFile(role: keyof typeof USERS): string {
  return path.join(__dirname, '..', '.auth', `${role}.json`);
}
