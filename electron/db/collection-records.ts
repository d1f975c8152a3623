/**
 * Report records of the check-ins collection (see report-records.ts): through SQL on our SQLite
 * storage, else (other storages: tests on RxDB's memory storage) through its documents. Apart
 * from report-records.ts because the document path loads RxDB's query code, which a command
 * reading the file through SQL alone (`gate-ops export`) does not need.
 */
import { countCheckIns, readCheckInPages, type CheckInsCollection } from './checkin-pages';
import { checkInTable } from './checkin-table';
import { recordOfRow, tableRecords, type ReportRecordSource } from './report-records';

/** Records of a collection: through SQL on our SQLite storage, else through its documents. */
export function collectionRecords(collection: CheckInsCollection): ReportRecordSource {
  const t = checkInTable(collection);
  const sql = t && tableRecords(t);
  if (sql) return sql;
  return {
    count: (range) => countCheckIns(collection, range),
    async *pages(range, pageSize = 1000) {
      for await (const rows of readCheckInPages(collection, range, pageSize)) {
        yield rows.map(recordOfRow);
      }
    },
  };
}
