/** The lucide icons behind the card model's names (card-model.ts). Decorative: words carry the meaning. */
import {
  ArrowDown,
  ArrowUp,
  Ban,
  CircleCheck,
  CirclePause,
  CircleX,
  Clock,
  File,
  FileArchive,
  FileAudio,
  FileCode,
  FileImage,
  FileSpreadsheet,
  FileText,
  FileVideo,
  Presentation,
  TriangleAlert,
  type LucideIcon,
} from 'lucide-react';
import type { FileKind, StateIcon } from './card-model';

export const STATE_ICONS: Readonly<Record<StateIcon, LucideIcon>> = {
  waiting: Clock,
  sending: ArrowUp,
  receiving: ArrowDown,
  paused: CirclePause,
  done: CircleCheck,
  declined: Ban,
  cancelled: CircleX,
  failed: TriangleAlert,
};

export const KIND_ICONS: Readonly<Record<FileKind, LucideIcon>> = {
  image: FileImage,
  video: FileVideo,
  audio: FileAudio,
  archive: FileArchive,
  pdf: FileText,
  text: FileText,
  code: FileCode,
  spreadsheet: FileSpreadsheet,
  presentation: Presentation,
  other: File,
};
