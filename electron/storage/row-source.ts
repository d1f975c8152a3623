/**
 * What the query runner needs from a collection table, whatever its file format: documents of
 * an RxDB index range in index order, counts, and every document for the rare fallback.
 */
import type { RxDocumentData } from 'rxdb';

export type Doc = RxDocumentData<Record<string, unknown>>;

/** An RxDB query plan's range on one of the schema's indexes. */
export type PlanRange = Readonly<{
  index: readonly string[];
  startKeys: readonly unknown[];
  endKeys: readonly unknown[];
  inclusiveStart: boolean;
  inclusiveEnd: boolean;
}>;

export type Page = Readonly<{ skip: number; limit: number }>;

/** A walk that sorts its runs itself and will most likely read about `firstRows` rows. */
export type WalkHint = Readonly<{
  firstRows: number;
  /**
   * The sort leads with the primary key (after the fields the selector pins): every run is one
   * document, so nothing sorts ties and the SQL order must end with the id, even where the SQL
   * index itself ends before it.
   */
  byPrimaryKey?: boolean;
}>;

export type OrderedRows = Readonly<{
  rows: Iterable<Doc>;
  /** The page was applied in SQL (only when asked and possible). */
  paged: boolean;
  /**
   * Index order agrees with RxDB's sort comparator wherever index parts differ, so a descending
   * or mixed sort can be served by walking the index: no document in the range has irregular
   * values, or (a walk) each one that has them is regular in this index's own fields (an emoji
   * in a name does not disturb the check-in time index). Such a document is checked as it is
   * read: iterating throws NotWalkable when one is not, and the caller reads the range instead.
   */
  regular: boolean;
  /** false: the rows are a superset of the range, in order; match them against the selector. */
  exact: boolean;
}>;

export interface RowSource {
  /**
   * Rows of `range` in index order, or undefined when the range has no exact SQL form here.
   * With `walk`, rows equal on every index field but the primary key may come in any order
   * among themselves (the caller sorts such runs itself).
   */
  ordered(
    range: PlanRange,
    descending: boolean,
    page?: Page,
    walk?: WalkHint,
  ): OrderedRows | undefined;
  /** Documents in `range`, or undefined when that cannot be counted in SQL. */
  count(range: PlanRange): number | undefined;
  /** Every stored document, tombstones included (the fallback path). */
  all(): Iterable<Doc>;
  /** RxDB's index key of a document (encoded), for the fallback's range check. */
  keyOf(index: readonly string[], doc: Doc): Uint8Array;
  /** The range's RxDB key bounds (encoded). */
  keyBounds(range: PlanRange): { lower: Uint8Array; upper: Uint8Array };
}

/** Thrown while iterating a walk's rows: a document's index values do not order like RxDB's. */
export class NotWalkable extends Error {
  constructor() {
    super('a document in the range has irregular values in the index fields');
    this.name = 'NotWalkable';
  }
}
