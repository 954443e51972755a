// Typed wrappers over the admin's catalog operations (crates/api: admin.rs), the statistics
// (stats.rs) and the desktop's export commands (src-tauri/commands/export.rs), which save a
// workbook where the user chose. Types come from Rust (src/bindings).
import type { CohortInput } from '@/bindings/CohortInput'
import type { ExportOutcome } from '@/bindings/ExportOutcome'
import type { GatewayInput } from '@/bindings/GatewayInput'
import type { GraduateFilter } from '@/bindings/GraduateFilter'
import type { GraduateFixInput } from '@/bindings/GraduateFixInput'
import type { ImportFileInput } from '@/bindings/ImportFileInput'
import type { QueueFilter } from '@/bindings/QueueFilter'
import type { StaffAccountInput } from '@/bindings/StaffAccountInput'
import { call, op } from '@/platform'

// Import (R-IMPORT-01)
export const importCheck = (input: ImportFileInput) => op('admin_import_check', input)
export const importGraduates = (input: ImportFileInput) => op('admin_import', input)

// Graduates
export const graduates = (filter: GraduateFilter) => op('admin_graduates', filter)
export const fixPreview = (id: number, fix: GraduateFixInput) => op('admin_fix_preview', { id, fix })
export const fixGraduate = (id: number, version: number, fix: GraduateFixInput) =>
  op('admin_fix_graduate', { id, version, fix })

// The same person across cohorts where the names differ (R-MOD-04)
export const personLinks = () => op('admin_person_links', null)
export const setPersonLink = (graduateId: number, otherId: number, linked: boolean) =>
  op('admin_person_link_set', { graduateId, otherId, linked })

// Departments (R-DEP-01)
export const departments = () => op('admin_departments', null)
export const addDepartment = (name: string) => op('admin_department_add', { name })
export const renameDepartment = (id: number, name: string) => op('admin_department_rename', { id, name })
export const mergeDepartments = (from: number, into: number) => op('admin_department_merge', { from, into })

// Cohorts
export const cohorts = () => op('admin_cohorts', null)
export const configureCohort = (input: CohortInput) => op('admin_cohort_configure', input)
export const setModule = (year: number, open: boolean) => op('admin_cohort_set_module', { year, open })

// Settings
export const settings = () => op('admin_settings', null)
export const setKeepOriginals = (keep: boolean) => op('admin_keep_originals_set', { keep })
export const setGateway = (input: GatewayInput) => op('admin_gateway_set', input)
export const deliverOutbox = () => op('admin_outbox_deliver', null)

// Accounts and employers
export const accounts = () => op('admin_accounts', null)
export const createAccount = (input: StaffAccountInput) => op('admin_account_create', input)
export const setAccountDisabled = (id: number, disabled: boolean) => op('admin_account_set_disabled', { id, disabled })
export const resetPassword = (id: number, password: string) => op('admin_password_reset', { id, password })
export const employers = () => op('admin_employers', null)
export const approveEmployer = (id: number, approved: boolean) => op('admin_employer_approve', { id, approved })
export const setEmployerDisabled = (id: number, disabled: boolean) =>
  op('admin_employer_set_disabled', { id, disabled })

// Outbox (R-NOTE-02)
export const outbox = () => op('admin_outbox', null)
export const retryOutbox = (id: number) => op('admin_outbox_retry', { id })

// Statistics (R-STAT-01), for reviewers and the admin; the exports (R-STAT-02) are saved by the
// desktop where the user chose (the workbooks are the catalog's *_workbook operations).
export const statistics = (cohort: number) => op('stats_get', { cohort })
export const statisticsCohorts = () => op('stats_cohorts', null)
/** Each opens the native save dialog offering `fileName` and writes the workbook there; null
 * when cancelled (the window never names a path). */
export const exportStatistics = (cohort: number, fileName: string) =>
  call<ExportOutcome | null>('stats_export', { cohort, fileName })
export const exportGraduates = (filter: GraduateFilter, fileName: string) =>
  call<ExportOutcome | null>('export_graduates', { filter, fileName })
export const exportQueue = (filter: QueueFilter, fileName: string) =>
  call<ExportOutcome | null>('export_queue', { filter, fileName })
