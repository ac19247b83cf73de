// What a view is: given the filters, fetch from the API and build its DOM.
import type { Filters } from "./filters.js";

export interface ViewContext {
  filters: Filters;
  /** Path segments after the view name, e.g. the run id of /runs/ID. */
  rest: string[];
  signal: AbortSignal;
}

export interface ViewResult {
  node: Node;
  /** "empty" when the filters match nothing; the node then says what to do. */
  state: "ready" | "empty";
  /** Runs once the node is in the document (charts need their width). */
  mounted?: () => void;
}

export type View = (context: ViewContext) => Promise<ViewResult>;
