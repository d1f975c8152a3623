export * from './channels';
export * from './define';
export * from './methods';
