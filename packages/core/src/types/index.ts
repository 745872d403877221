export * from './data';
export * from './generator';
export * from './stepdata';
export * from './trace';
export * from './events';
