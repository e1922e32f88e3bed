/** The demo accounts the seed creates and the run command prints. Development only. */
export const demoAccounts = {
  admin: {
    email: 'admin@tenor.local',
    password: 'tenor demo admin passphrase',
    legalName: 'Avery Admin',
    // Fixed so the demo admin can add it to an authenticator app once; never used outside
    // development (the seed refuses to run in staging or production).
    totpSecret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP',
  },
  investor: {
    email: 'investor@tenor.local',
    password: 'tenor demo investor passphrase',
    legalName: 'Ines Investor',
  },
} as const
