import fs from 'node:fs';
import os from 'node:os';

/**
 * Who is running a run, precisely enough to tell later whether that process still exists even
 * when its pid has been handed to another process (a container rerun often gets the same pid).
 */
export interface ProcessIdentity {
  pid: number;
  host: string;
  /** Linux: the kernel's boot id. Null elsewhere. */
  bootId: string | null;
  /** Linux: the process's start time in clock ticks since boot (/proc/<pid>/stat, field 22). Null elsewhere. */
  processStart: number | null;
}

/** A running run as the database holds it. */
export interface RecordedProcess extends ProcessIdentity {
  startedAt: string;
}

function readProc(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function processStart(pid: number): number | undefined {
  const stat = readProc(`/proc/${pid}/stat`);
  if (stat === undefined) return undefined;
  // Field 2, the command name, is in parentheses and may itself hold spaces and parentheses.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[22 - 3]);
  return Number.isSafeInteger(ticks) ? ticks : undefined;
}

function identify(): ProcessIdentity {
  const bootId = readProc('/proc/sys/kernel/random/boot_id')?.trim();
  const start = processStart(process.pid);
  const linux = bootId !== undefined && bootId !== '' && start !== undefined;
  return {
    pid: process.pid,
    host: os.hostname(),
    bootId: linux ? bootId : null,
    processStart: linux ? start : null,
  };
}

/** This process. */
export const thisProcess: ProcessIdentity = identify();

// Estimated once: only compared with run start times, which come after module loading.
const thisProcessStartedAt = Date.now() - process.uptime() * 1000;

/** Whether the process that recorded a run is gone, as far as this process can tell. */
export function processEnded(run: RecordedProcess): boolean {
  const me = thisProcess;
  if (run.bootId !== null && run.processStart !== null && me.bootId !== null) {
    // WAL needs every process using the database on one machine, so another boot id means a
    // reboot since the run started. Containers on this kernel share its boot id and its clock
    // ticks, so pid plus start time tells even a rerun in a new pid namespace from the original.
    if (run.bootId !== me.bootId) return true;
    const start = processStart(run.pid);
    // An unreadable /proc entry (hidepid hides other users' processes) gives no start time to compare.
    return start === undefined ? !processExists(run.pid) : start !== run.processStart;
  }
  // No start identity to compare: only this host's processes can be checked.
  if (run.host !== me.host) return false;
  // This process cannot have started a run that began before it did.
  if (run.pid === me.pid) return Date.parse(run.startedAt) < thisProcessStartedAt;
  return !processExists(run.pid);
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM means the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}
