// The checks live with the services, which resolve every stored path through them too.
export { isPathInside, realFileInside } from '../services/study/path-guard';
