// Typed wrappers over the reviewers' commands (src-tauri/commands/review.rs), used by the employer
// too for an item's detail and the forms' reference data. Types come from Rust (src/bindings).
import type { DecisionInput } from '@/bindings/DecisionInput'
import type { DestinationForm } from '@/bindings/DestinationForm'
import type { PrintOutcome } from '@/bindings/PrintOutcome'
import type { QueueFilter } from '@/bindings/QueueFilter'
import type { QueuePageView } from '@/bindings/QueuePageView'
import type { WorkItemDetail } from '@/bindings/WorkItemDetail'
import type { WorkspaceReference } from '@/bindings/WorkspaceReference'
import { call } from '@/platform'

export const queue = (filter: QueueFilter) => call<QueuePageView>('review_queue', { filter })
export const item = (id: number) => call<WorkItemDetail>('review_item', { id })
export const decide = (id: number, version: number, input: DecisionInput) =>
  call<null>('review_decide', { id, version, input })
export const editDestination = (id: number, version: number, form: DestinationForm) =>
  call<null>('review_edit_destination', { id, version, form })
/** A scan's JPEG bytes. */
export const itemFile = async (id: number, hash: string) =>
  new Uint8Array(await call<ArrayBuffer>('review_item_file', { id, hash }))
export const reference = () => call<WorkspaceReference>('workspace_reference')
export const setReasonTemplates = (templates: string[]) =>
  call<string[]>('reason_templates_set', { templates })
/** Prints the filtered signed agreements as one PDF through the save dialog; null when cancelled. */
export const printAgreements = (filter: QueueFilter, fileName: string) =>
  call<PrintOutcome | null>('review_print_agreements', { filter, fileName })
/** Opens the native save dialog and writes one agreement's PDF (the agreement command, for any
 * role the engine lets see it); the saved path, or null when cancelled. */
export const saveAgreement = (id: number, fileName: string) =>
  call<string | null>('agreement_save_pdf', { id, fileName })
