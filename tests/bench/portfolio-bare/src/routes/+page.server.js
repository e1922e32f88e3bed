import holdings from '#lib/holdings.json'

/** The holdings, from memory: no session, no API, no database. */
export const load = () => ({ holdings })
