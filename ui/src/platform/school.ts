// Where the school is: this machine or the school's server (remote mode). The desktop checks a
// server's certificate and reads the school's name and the certificate's fingerprint before
// anything is kept; the CA file is chosen in a native dialog.
import type { ConnectedServer } from '@/bindings/ConnectedServer'
import type { ServerChoice } from '@/bindings/ServerChoice'
import { call } from '@/platform'

export const schoolCheckServer = (choice: ServerChoice) => call<ConnectedServer>('school_check_server', { choice })
export const schoolUseServer = (choice: ServerChoice) => call<ConnectedServer>('school_use_server', { choice })
export const schoolUseHere = () => call<null>('school_use_here')
export const schoolServerIdentity = () => call<ConnectedServer | null>('school_server_identity')
export const schoolChooseCa = () => call<string | null>('school_choose_ca')
