export declare const E2E_FILES: readonly string[];
export declare const MOCKING_FILES: readonly string[];
export declare function layerOf(file: string): 'unit' | 'e2e';
