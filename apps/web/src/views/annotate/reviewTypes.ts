import type { Outputs } from '../../api/types';

/** Rows of the review procedures (assignment, adjudication), as the server sends them. */
export type Assignment = Outputs['annotations']['assignments'][number];
export type Dispute = Outputs['annotations']['disputes'][number];
export type Adjudication = Outputs['annotations']['adjudications'][number];
export type AnnotView = 'annotate' | 'assign' | 'adjudicate';
