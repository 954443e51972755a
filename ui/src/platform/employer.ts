// Typed wrappers over the employer's catalog operations (crates/api: employer.rs,
// termination.rs). Types come from Rust (src/bindings).
import type { EmployerInput } from '@/bindings/EmployerInput'
import type { EmployerSignUpInput } from '@/bindings/EmployerSignUpInput'
import type { InviteForm } from '@/bindings/InviteForm'
import type { StaffInput } from '@/bindings/StaffInput'
import type { UploadInput } from '@/bindings/UploadInput'
import { op } from '@/platform'

export const signUp = (input: EmployerSignUpInput) => op('employer_sign_up', input)
export const profile = () => op('employer_profile', null)
export const updateProfile = (details: EmployerInput) => op('employer_update_profile', details)
export const replaceLicence = (licence: UploadInput) => op('employer_replace_licence', licence)
/** The business licence scan's JPEG bytes. */
export const licence = async () => new Uint8Array(await op('employer_licence', null))
export const addStaff = (input: StaffInput) => op('employer_add_staff', input)
export const invite = (input: InviteForm) => op('employer_invite', input)
export const items = () => op('employer_items', null)
export const withdrawInvitation = (id: number) => op('employer_withdraw_invitation', { id })
export const requestTermination = (agreementId: number, reason: string, explanation: string) =>
  op('termination_request', { agreementId, reason, explanation })
export const answerTermination = (id: number, accept: boolean) => op('termination_answer', { id, accept })
export const cancelTermination = (id: number) => op('termination_cancel', { id })
