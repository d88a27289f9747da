export { type AdfNode, adfToText, textToAdf, textWithLinks } from './adf';
