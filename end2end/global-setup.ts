import { request, FullConfig } from '@playwright/test';
import { USERS, stateFile } from './tests/accounts';

/**
 * Signs each demo user in once through `POST /login` (as the form does) and keeps the
 * session cookie, so every test starts signed in: as the editor unless it says otherwise.
 */
export default async function globalSetup(config: FullConfig) {
  const baseURL = config.projects[0].use.baseURL;
  for (const [role, user] of Object.entries(USERS)) {
    const context = await request.newContext({ baseURL });
    const response = await context.post('/login', {
      form: { email: user.email, password: user.password, next: '/' },
      maxRedirects: 0,
    });
    if (response.status() !== 303 || response.headers()['location'] !== '/') {
      throw new Error(`signing in as ${user.email} failed: ${response.status()} ${response.headers()['location']}`);
    }
    await context.storageState({ path: stateFile(role as keyof typeof USERS) });
    await context.dispose();
  }
}
