/** The CSV import's worker: parsing 100k rows here keeps the window drawing (core/contract/csv-import.ts). */
import { CsvImportService } from '../../../core/contract/csv-import';

interface WorkerScope {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  onmessage: ((e: MessageEvent) => void) | null;
}
const scope = self as unknown as WorkerScope;
const service = new CsvImportService((msg, transfer) => scope.postMessage(msg, transfer ?? []));
scope.onmessage = (e) => service.handle(e.data);
