// The built page inside Electron (known by its user agent) without the preload's window.nnlab: an
// error on screen, not the lab quietly training in a browser worker the desktop CSP would break.
import { expect, test } from '@playwright/test';

test.use({ userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) nnlab/0.1.0 Chrome/146.0.0.0 Electron/45.4.1 Safari/537.36' });

test('in Electron without the preload the page says so instead of opening the lab', async ({ page }) => {
  await page.goto('./');
  await expect(page.getByRole('alert')).toContainText('the preload script) did not load');
  await expect(page.getByRole('button', { name: 'Train', exact: true })).toHaveCount(0);
});
