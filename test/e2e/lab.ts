/** Shared steps for the lab's end-to-end tests: reading the status line and the decision map. */
import { expect, type Page } from '@playwright/test';

export async function openLab(page: Page): Promise<void> {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('./');
  await expect(page.getByRole('button', { name: 'Train', exact: true })).toBeVisible();
  (page as unknown as { labErrors: string[] }).labErrors = errors;
}

export function pageErrors(page: Page): string[] {
  return (page as unknown as { labErrors?: string[] }).labErrors ?? [];
}

export async function choosePreset(page: Page, id: string): Promise<void> {
  await page.getByLabel('Preset', { exact: true }).selectOption(id);
}

export async function stepCount(page: Page): Promise<number> {
  const t = await page.getByTestId('step-count').innerText();
  return Number(t.replace(/[^0-9]/g, ''));
}

/** The status line's loss as the exact number the trainer reported. */
export async function currentLoss(page: Page): Promise<number> {
  const v = await page.getByTestId('loss').getAttribute('data-value');
  return Number(v);
}

export async function state(page: Page): Promise<string> {
  return page.getByTestId('state').innerText();
}

/** Pixels of the decision map per region tint (the map paints flat class tints). */
export async function regionPixelCounts(page: Page): Promise<number[]> {
  return page.locator('canvas.decision-map').evaluate((el) => {
    const canvas = el as HTMLCanvasElement;
    const tints = (canvas.dataset.regionColors ?? '').split(';').map((s) => s.split(',').map(Number));
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    const counts = tints.map(() => 0);
    for (let i = 0; i < data.length; i += 4) {
      for (let c = 0; c < tints.length; c++) {
        const t = tints[c]!;
        if (data[i] === t[0] && data[i + 1] === t[1] && data[i + 2] === t[2]) {
          counts[c]!++;
          break;
        }
      }
    }
    return counts;
  });
}
