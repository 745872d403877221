export * from './data';
export * from './events';
export * from './generator';
export * from './stepdata';
export * from './trace';
