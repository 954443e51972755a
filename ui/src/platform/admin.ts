// Typed wrappers over the admin's commands (src-tauri/commands/admin.rs) and the statistics and
// export commands (src-tauri/commands/stats.rs). Types come from Rust (src/bindings).
import type { AccountRow } from '@/bindings/AccountRow'
import type { CohortInput } from '@/bindings/CohortInput'
import type { CohortView } from '@/bindings/CohortView'
import type { DeliveryOutcome } from '@/bindings/DeliveryOutcome'
import type { DepartmentView } from '@/bindings/DepartmentView'
import type { EmployerRow } from '@/bindings/EmployerRow'
import type { ExportOutcome } from '@/bindings/ExportOutcome'
import type { FixPreviewView } from '@/bindings/FixPreviewView'
import type { GatewayInput } from '@/bindings/GatewayInput'
import type { GraduateFilter } from '@/bindings/GraduateFilter'
import type { GraduateFixInput } from '@/bindings/GraduateFixInput'
import type { GraduateRow } from '@/bindings/GraduateRow'
import type { ImportFileInput } from '@/bindings/ImportFileInput'
import type { ImportOutcome } from '@/bindings/ImportOutcome'
import type { ImportPreview } from '@/bindings/ImportPreview'
import type { MergeOutcome } from '@/bindings/MergeOutcome'
import type { OutboxRow } from '@/bindings/OutboxRow'
import type { QueueFilter } from '@/bindings/QueueFilter'
import type { SettingsView } from '@/bindings/SettingsView'
import type { StaffAccountInput } from '@/bindings/StaffAccountInput'
import type { StatisticsView } from '@/bindings/StatisticsView'
import { call } from '@/platform'

// Import (R-IMPORT-01)
export const importCheck = (input: ImportFileInput) => call<ImportPreview>('admin_import_check', { input })
export const importGraduates = (input: ImportFileInput) => call<ImportOutcome>('admin_import', { input })

// Graduates
export const graduates = (filter: GraduateFilter) => call<GraduateRow[]>('admin_graduates', { filter })
export const fixPreview = (id: number, fix: GraduateFixInput) =>
  call<FixPreviewView>('admin_fix_preview', { id, fix })
export const fixGraduate = (id: number, version: number, fix: GraduateFixInput) =>
  call<GraduateRow>('admin_fix_graduate', { id, version, fix })

// Departments (R-DEP-01)
export const departments = () => call<DepartmentView[]>('admin_departments')
export const addDepartment = (name: string) => call<DepartmentView>('admin_department_add', { name })
export const renameDepartment = (id: number, name: string) =>
  call<DepartmentView>('admin_department_rename', { id, name })
export const mergeDepartments = (from: number, into: number) =>
  call<MergeOutcome>('admin_department_merge', { from, into })

// Cohorts
export const cohorts = () => call<CohortView[]>('admin_cohorts')
export const configureCohort = (input: CohortInput) => call<CohortView>('admin_cohort_configure', { input })
export const setModule = (year: number, open: boolean) =>
  call<CohortView>('admin_cohort_set_module', { year, open })

// Settings
export const settings = () => call<SettingsView>('admin_settings')
export const setKeepOriginals = (keep: boolean) => call<null>('admin_keep_originals_set', { keep })
export const setGateway = (input: GatewayInput) => call<null>('admin_gateway_set', { input })
export const deliverOutbox = () => call<DeliveryOutcome>('admin_outbox_deliver')

// Accounts and employers
export const accounts = () => call<AccountRow[]>('admin_accounts')
export const createAccount = (input: StaffAccountInput) => call<AccountRow>('admin_account_create', { input })
export const setAccountDisabled = (id: number, disabled: boolean) =>
  call<null>('admin_account_set_disabled', { id, disabled })
export const resetPassword = (id: number, password: string) =>
  call<null>('admin_password_reset', { id, password })
export const employers = () => call<EmployerRow[]>('admin_employers')
export const approveEmployer = (id: number, approved: boolean) =>
  call<null>('admin_employer_approve', { id, approved })
export const setEmployerDisabled = (id: number, disabled: boolean) =>
  call<null>('admin_employer_set_disabled', { id, disabled })

// Outbox (R-NOTE-02)
export const outbox = () => call<OutboxRow[]>('admin_outbox')
export const retryOutbox = (id: number) => call<null>('admin_outbox_retry', { id })

// Statistics and exports (R-STAT), for reviewers and the admin
export const statistics = (cohort: number) => call<StatisticsView>('stats_get', { cohort })
export const statisticsCohorts = () => call<number[]>('stats_cohorts')
export const exportStatistics = (cohort: number, path: string) =>
  call<ExportOutcome>('stats_export', { cohort, path })
export const exportGraduates = (filter: GraduateFilter, path: string) =>
  call<ExportOutcome>('export_graduates', { filter, path })
export const exportQueue = (filter: QueueFilter, path: string) =>
  call<ExportOutcome>('export_queue', { filter, path })
export const exportDefaultPath = (fileName: string) => call<string>('export_default_path', { fileName })
/** The native save dialog; the chosen path, or null when cancelled. */
export const exportChoosePath = (fileName: string) => call<string | null>('export_choose_path', { fileName })
