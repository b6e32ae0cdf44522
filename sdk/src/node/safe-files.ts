import fs from "node:fs";
import path from "node:path";
import { SafeFileFormatError } from "../safe/errors";
import { parseSafeTransactionFile, serializeSafeTransactionFile, type SafeTransactionFile } from "../safe/file-format";

/** Reads and parses a transaction file. @throws SafeFileFormatError (also for unreadable files or bad JSON) */
export function readSafeTransactionFile(file: string): SafeTransactionFile {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    throw new SafeFileFormatError(`cannot read it (${(error as NodeJS.ErrnoException).code ?? String(error)})`, file);
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new SafeFileFormatError(`invalid JSON (${(error as Error).message})`, file);
  }
  return parseSafeTransactionFile(document, file);
}

/** Writes a transaction file atomically (a temporary file renamed over the target). */
export function writeSafeTransactionFile(file: string, transaction: SafeTransactionFile): void {
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  fs.writeFileSync(temporary, serializeSafeTransactionFile(transaction));
  fs.renameSync(temporary, file);
}
