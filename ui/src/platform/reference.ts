// The engine's reference tables (crates/engine/data/destinations.json and reference.json), as the
// command `graduate_reference` returns them verbatim; the shapes mirror crates/engine/src/reference.rs.

export interface FieldSpec {
  key: string
  label_zh: string
  label_en: string
  /** text | date | credit_code | select */
  kind: string
  required: boolean
  options?: string[]
}

export interface DestinationType {
  id: string
  code: string
  subcode: string
  group: string
  name_zh: string
  name_en: string
  fields: FieldSpec[]
  proof_required: boolean
  proof_zh: string
  proof_en: string
  directed_only: boolean
  selectable: boolean
}

export interface DestinationTable {
  placement_codes: string[]
  watched_codes: string[]
  types: DestinationType[]
}

export interface ReferenceLists {
  termination_reasons: string[]
  review_reason_templates: string[]
  employer_natures: string[]
  education_levels: string[]
  training_modes: string[]
  archive_handling: string[]
  agreement_title: string
  invitation_days_default: number
  invitation_days_max: number
}
