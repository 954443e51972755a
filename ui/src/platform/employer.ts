// Typed wrappers over the employer's commands (src-tauri/commands/employer.rs). Types come from
// Rust (src/bindings).
import type { EmployerInput } from '@/bindings/EmployerInput'
import type { EmployerProfileView } from '@/bindings/EmployerProfileView'
import type { EmployerSignUpInput } from '@/bindings/EmployerSignUpInput'
import type { InviteForm } from '@/bindings/InviteForm'
import type { StaffInput } from '@/bindings/StaffInput'
import type { StaffView } from '@/bindings/StaffView'
import type { UploadInput } from '@/bindings/UploadInput'
import type { WorkItem } from '@/bindings/WorkItem'
import { call } from '@/platform'

export const signUp = (input: EmployerSignUpInput) => call<null>('employer_sign_up', { input })
export const profile = () => call<EmployerProfileView>('employer_profile')
export const updateProfile = (details: EmployerInput) =>
  call<EmployerProfileView>('employer_update_profile', { details })
export const replaceLicence = (licence: UploadInput) =>
  call<EmployerProfileView>('employer_replace_licence', { licence })
/** The business licence scan's JPEG bytes. */
export const licence = async () => new Uint8Array(await call<ArrayBuffer>('employer_licence'))
export const addStaff = (input: StaffInput) => call<StaffView>('employer_add_staff', { input })
export const invite = (input: InviteForm) => call<number>('employer_invite', { input })
export const items = () => call<WorkItem[]>('employer_items')
export const withdrawInvitation = (id: number) => call<null>('employer_withdraw_invitation', { id })
export const requestTermination = (agreementId: number, reason: string, explanation: string) =>
  call<number>('termination_request', { agreementId, reason, explanation })
export const answerTermination = (id: number, accept: boolean) =>
  call<null>('termination_answer', { id, accept })
export const cancelTermination = (id: number) => call<null>('termination_cancel', { id })
