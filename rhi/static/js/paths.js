// The addresses of rhi's pages that have a shell page (rhi/shells.py), and the ids in them.
// The service worker (sw.js shellFor) maps the same paths to the shell pages it keeps.

const INTERVIEW_PATH = /^\/interviews\/([0-9a-f-]{36})(?:\/([a-z_]+))?\/?$/;
const EPISODE_PATH = /^\/episodes\/(\d+)\/?$/;
const SHELL_PATH = /^\/(returns|episodes\/\d+|interviews\/[0-9a-f-]{36}(\/[a-z_]+)?)\/?$/;

/** A page the tablet can show with no signal, from a shell page. */
export const hasShell = (path) => SHELL_PATH.test(path);

/** The episode id in an episode page's path, or null. */
export const episodeIn = (path) => (path.match(EPISODE_PATH) || [])[1] || null;

/** The interview uuid in an interview page's path, or null. */
export const interviewIn = (path) => (path.match(INTERVIEW_PATH) || [])[1] || null;
