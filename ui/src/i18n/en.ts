import type zhCN from './zh-CN'

const en: typeof zhCN = {
  app: { name: 'GradSign', title: 'Graduate destination registration and online signing' },
  language: { label: 'Language', zh: '中文', en: 'English' },
  firstStart: {
    heading: 'Welcome to GradSign',
    intro: 'There is no school in the database yet. How would you like to start?',
    demoTitle: 'Explore the demo school',
    demoText: 'Load a demo school with graduates, employers and reviewer accounts to see the whole journey.',
    demoButton: 'Explore the demo school',
    setupTitle: 'Set up a school',
    setupText: "Create your school, its departments and the school admin's account, then import graduates.",
    setupButton: 'Set up a school',
    demoCreated: 'The demo school is ready. Please sign in.',
  },
  setup: {
    heading: 'Set up a school',
    name: 'School name',
    code: 'School code (5 digits)',
    contact: "Employment office's contact (shown to graduates whose info is wrong)",
    departments: 'Departments (one per line)',
    adminName: "Admin's name",
    adminLogin: 'Admin username',
    adminPassword: 'Admin password',
    submit: 'Create the school',
    back: 'Back',
    created: "The school is ready. Sign in with the admin's account.",
    required: 'Required',
    codeFormat: 'The school code is 5 digits',
  },
  signIn: {
    heading: 'Sign in',
    username: 'Username / student number',
    password: 'Password',
    remember: 'Remember me (kept in the system keychain)',
    submit: 'Sign in',
    keychainUnavailable: 'This computer has no system keychain available; this sign-in will not be remembered.',
    demoAccounts: 'Demo school accounts',
    demoHint: 'Click a row to fill in that account; every demo account has the same password.',
    demoRole: 'Role',
    demoNote: 'Note',
  },
  roles: {
    graduate: 'Graduate',
    employer: 'Employer',
    department_reviewer: 'Department reviewer',
    school_reviewer: 'School reviewer',
    school_admin: 'School admin',
  },
  home: { signedInAs: 'Signed in as {name}', signOut: 'Sign out' },
}

export default en
