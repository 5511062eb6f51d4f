// Tests load the C grammar the way every Node host does.
export { loadCParser } from '../../src/node/c-parser'
