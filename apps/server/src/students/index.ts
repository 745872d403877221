export { checkGeneratorSpec, createEvalGenerator, type EvalGenerator } from './create';
export { argmax, greedyDecode } from './decode';
export { type ModelDims, ONNX_VARIANTS, type OnnxVariant, readStudentModel } from './model-dir';
export { cutAtStop, fitContext, OnnxStudent } from './onnx-student';
export {
  type GeneratorSpec,
  type GeneratorSpecInput,
  GeneratorSpecSchema,
  OnnxStudentSpecSchema,
} from './spec';
