// The site's server runs on Bun, and the API and db packages it takes its types from use Bun's
// globals (`Bun.*`, `import.meta.dir`).
/// <reference types="bun" />
