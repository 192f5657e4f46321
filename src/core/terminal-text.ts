// eksctl's lines reach a person's terminal through us. Whatever bytes eksctl (or anything it runs, or an attacker who
// controls a resource name it echoes) prints, they must not clear the screen, retitle the window, plant a link or
// move the cursor over our own lines: escape sequences are dropped and other control characters shown as text.
// --log-file keeps the line as eksctl printed it.
import { stripVTControlCharacters } from 'node:util';

/** C0 controls but tab, DEL, and the C1 controls (0x80–0x9f, which some terminals obey like ESC sequences). */
const CONTROL = /[\x00-\x08\x0a-\x1f\x7f-\x9f]/g;

/** The line with escape sequences removed and every other control character written out as `\xNN`. */
export function terminalSafe(line: string): string {
  const stripped = stripVTControlCharacters(line);
  return stripped.replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
