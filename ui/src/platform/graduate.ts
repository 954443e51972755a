// Typed wrappers over the graduate's catalog operations (crates/api: graduate.rs, messages.rs,
// agreement.rs, termination.rs) and the desktop's save dialog. Types come from Rust (src/bindings).
import type { DestinationForm } from '@/bindings/DestinationForm'
import type { PaperForm } from '@/bindings/PaperForm'
import type { UploadInput } from '@/bindings/UploadInput'
import { call, op } from '@/platform'

export type ItemKindName = 'signing' | 'termination' | 'paper' | 'destination' | 'offline_termination' | 'offline_signing'

export const portal = (graduateId?: number | null) => op('graduate_portal', { graduateId: graduateId ?? null })
export const confirmInfo = () => op('graduate_confirm_info', null)
export const updateContact = (phone: string, email: string) => op('graduate_update_contact', { phone, email })
export const items = (kind?: ItemKindName | null, graduateId?: number | null) =>
  op('graduate_items', { kind: kind ?? null, graduateId: graduateId ?? null })
export const item = (id: number) => op('graduate_item', { id })
export const acceptInvitation = (id: number) => op('graduate_accept_invitation', { id })
export const rejectInvitation = (id: number) => op('graduate_reject_invitation', { id })
export const requestTermination = (agreementId: number, reason: string, explanation: string) =>
  op('termination_request', { agreementId, reason, explanation })
export const answerTermination = (id: number, accept: boolean) => op('termination_answer', { id, accept })
export const cancelTermination = (id: number) => op('termination_cancel', { id })
export const requestOfflineTermination = (paperId: number, reason: string, explanation: string, scans: UploadInput[]) =>
  op('graduate_request_offline_termination', { paperId, reason, explanation, scans })
export const editOfflineTermination = (id: number, reason: string, explanation: string, scans: UploadInput[] | null) =>
  op('graduate_edit_offline_termination', { id, reason, explanation, scans })
export const createPaper = (form: PaperForm, scans: UploadInput[]) => op('graduate_create_paper', { form, scans })
export const editPaper = (id: number, form: PaperForm, scans: UploadInput[] | null) => op('graduate_edit_paper', { id, form, scans })
export const createDestination = (form: DestinationForm, proofs: UploadInput[]) =>
  op('graduate_create_destination', { form, proofs })
export const editDestination = (id: number, form: DestinationForm, proofs: UploadInput[] | null) =>
  op('graduate_edit_destination', { id, form, proofs })
export const submitRegistration = (id: number) => op('graduate_submit_registration', { id })
export const withdrawRegistration = (id: number) => op('graduate_withdraw_registration', { id })
export const voidDestination = (id: number) => op('graduate_void_destination', { id })
export const reference = () => op('graduate_reference', null)
// Offline signing 申请就业协议线下签约 (R-OFFSIGN): apply, edit and resubmit, withdraw, give up, and
// upload the stamped pages; the print copy comes through agreementPdf.
export const applyOfflineSigning = (form: PaperForm) => op('graduate_apply_offline_signing', { form })
export const editOfflineSigning = (id: number, form: PaperForm) => op('graduate_edit_offline_signing', { id, form })
export const submitOfflineSigning = (id: number) => op('graduate_submit_offline_signing', { id })
export const withdrawOfflineSigning = (id: number) => op('graduate_withdraw_offline_signing', { id })
export const cancelOfflineSigning = (id: number) => op('graduate_cancel_offline_signing', { id })
export const uploadStampedPages = (id: number, pages: UploadInput[]) => op('graduate_upload_stamped_pages', { id, pages })

export const messages = () => op('messages_list', null)
export const markMessageRead = (id: number) => op('messages_mark_read', { id })

/** The agreement's PDF bytes (sent raw, not as JSON). */
export const agreementPdf = async (id: number) => new Uint8Array(await op('agreement_pdf', { id }))
/** Opens the native save dialog and writes the PDF; the saved path, or null when cancelled. */
export const agreementSavePdf = (id: number, fileName: string) =>
  call<string | null>('agreement_save_pdf', { id, fileName })
/** R-PIPL-01: everything GradSign holds about the graduate, saved as one ZIP archive where they
 * choose in the native save dialog; the saved path, or null when cancelled. */
export const saveDataExport = (fileName: string) => call<string | null>('graduate_save_data_export', { fileName })
export const verifyAgreement = (code: string, hash: string) => op('verify_agreement', { code, hash })
export const verifyReadQr = (imageBase64: string) => op('verify_read_qr', { imageBase64 })
