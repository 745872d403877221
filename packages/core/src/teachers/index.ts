export {
  EVIDENCE_TEACHER_LABEL,
  EvidenceTeacher,
  type EvidenceTeacherOptions,
} from './evidence-teacher';
