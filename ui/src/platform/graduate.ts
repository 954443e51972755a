// Typed wrappers over the graduate's commands (src-tauri/commands/graduate.rs, messages.rs,
// agreement.rs). Types come from Rust (src/bindings).
import type { DestinationForm } from '@/bindings/DestinationForm'
import type { GraduateInfo } from '@/bindings/GraduateInfo'
import type { ItemDetailView } from '@/bindings/ItemDetailView'
import type { ItemSummary } from '@/bindings/ItemSummary'
import type { MessageView } from '@/bindings/MessageView'
import type { PaperForm } from '@/bindings/PaperForm'
import type { PortalView } from '@/bindings/PortalView'
import type { QrRead } from '@/bindings/QrRead'
import type { ReferenceData } from '@/bindings/ReferenceData'
import type { UploadInput } from '@/bindings/UploadInput'
import type { VerifyView } from '@/bindings/VerifyView'
import { call } from '@/platform'

export type ItemKindName = 'signing' | 'termination' | 'paper' | 'destination' | 'offline_termination'

export const portal = (graduateId?: number | null) => call<PortalView>('graduate_portal', { graduateId: graduateId ?? null })
export const confirmInfo = () => call<GraduateInfo>('graduate_confirm_info')
export const updateContact = (phone: string, email: string) =>
  call<GraduateInfo>('graduate_update_contact', { phone, email })
export const items = (kind?: ItemKindName | null, graduateId?: number | null) =>
  call<ItemSummary[]>('graduate_items', { kind: kind ?? null, graduateId: graduateId ?? null })
export const item = (id: number) => call<ItemDetailView>('graduate_item', { id })
export const acceptInvitation = (id: number) => call<null>('graduate_accept_invitation', { id })
export const rejectInvitation = (id: number) => call<null>('graduate_reject_invitation', { id })
export const requestTermination = (agreementId: number, reason: string, explanation: string) =>
  call<number>('termination_request', { agreementId, reason, explanation })
export const answerTermination = (id: number, accept: boolean) =>
  call<null>('termination_answer', { id, accept })
export const cancelTermination = (id: number) => call<null>('termination_cancel', { id })
export const requestOfflineTermination = (paperId: number, reason: string, explanation: string, scans: UploadInput[]) =>
  call<number>('graduate_request_offline_termination', { paperId, reason, explanation, scans })
export const editOfflineTermination = (id: number, reason: string, explanation: string, scans: UploadInput[] | null) =>
  call<null>('graduate_edit_offline_termination', { id, reason, explanation, scans })
export const createPaper = (form: PaperForm, scans: UploadInput[]) => call<number>('graduate_create_paper', { form, scans })
export const editPaper = (id: number, form: PaperForm, scans: UploadInput[] | null) =>
  call<null>('graduate_edit_paper', { id, form, scans })
export const createDestination = (form: DestinationForm, proofs: UploadInput[]) =>
  call<number>('graduate_create_destination', { form, proofs })
export const editDestination = (id: number, form: DestinationForm, proofs: UploadInput[] | null) =>
  call<null>('graduate_edit_destination', { id, form, proofs })
export const submitRegistration = (id: number) => call<null>('graduate_submit_registration', { id })
export const withdrawRegistration = (id: number) => call<null>('graduate_withdraw_registration', { id })
export const voidDestination = (id: number) => call<null>('graduate_void_destination', { id })
export const reference = () => call<ReferenceData>('graduate_reference')

export const messages = () => call<MessageView[]>('messages_list')
export const markMessageRead = (id: number) => call<null>('messages_mark_read', { id })

/** The agreement's PDF bytes (sent raw, not as JSON). */
export const agreementPdf = async (id: number) => new Uint8Array(await call<ArrayBuffer>('agreement_pdf', { id }))
/** Opens the native save dialog and writes the PDF; the saved path, or null when cancelled. */
export const agreementSavePdf = (id: number, fileName: string) =>
  call<string | null>('agreement_save_pdf', { id, fileName })
export const verifyAgreement = (code: string, hash: string) => call<VerifyView>('verify_agreement', { code, hash })
export const verifyReadQr = (imageBase64: string) => call<QrRead>('verify_read_qr', { imageBase64 })
