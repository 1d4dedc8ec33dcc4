/** The demo and seed users' password, printed in the README: never for production data. */
export const SEED_PASSWORD = "inkwell-password";
