// The virtual module demo-server/server/recordings-plugin.ts serves to the page.
declare module 'virtual:docker-demo-recordings' {
  import type { RecordingsData } from '../components/recordings'

  const data: RecordingsData
  export default data
}
