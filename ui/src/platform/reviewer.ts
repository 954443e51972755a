// Typed wrappers over the reviewers' catalog operations (crates/api/src/review.rs), used by the
// employer too for an item's detail and the forms' reference data, and the desktop's printout and
// save dialogs. Types come from Rust (src/bindings).
import type { DecisionInput } from '@/bindings/DecisionInput'
import type { DestinationForm } from '@/bindings/DestinationForm'
import type { PrintOutcome } from '@/bindings/PrintOutcome'
import type { QueueFilter } from '@/bindings/QueueFilter'
import { call, op } from '@/platform'

export const queue = (filter: QueueFilter) => op('review_queue', filter)
export const item = (id: number) => op('review_item', { id })
export const decide = (id: number, version: number, input: DecisionInput) => op('review_decide', { id, version, input })
export const editDestination = (id: number, version: number, form: DestinationForm) =>
  op('review_edit_destination', { id, version, form })
/** A scan's JPEG bytes. */
export const itemFile = async (id: number, hash: string) => new Uint8Array(await op('review_item_file', { id, hash }))
export const reference = () => op('workspace_reference', null)
export const setReasonTemplates = (templates: string[]) => op('reason_templates_set', { templates })
/** Prints the filtered signed agreements as one PDF through the save dialog; null when cancelled. */
export const printAgreements = (filter: QueueFilter, fileName: string) =>
  call<PrintOutcome | null>('review_print_agreements', { filter, fileName })
/** Opens the native save dialog and writes one agreement's PDF (the agreement command, for any
 * role the engine lets see it); the saved path, or null when cancelled. */
export const saveAgreement = (id: number, fileName: string) =>
  call<string | null>('agreement_save_pdf', { id, fileName })
