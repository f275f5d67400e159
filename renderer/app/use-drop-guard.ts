import { useEffect } from 'react';

/**
 * A file dropped where no drop target handles it would make the browser open that file in place of
 * the app. Screens that import (the study screen) handle their own drops before this runs.
 */
export function useDropGuard(): void {
  useEffect(() => {
    const refuse = (e: DragEvent) => {
      if (e.dataTransfer && Array.from(e.dataTransfer.types).includes('Files')) e.preventDefault();
    };
    window.addEventListener('dragover', refuse);
    window.addEventListener('drop', refuse);
    return () => {
      window.removeEventListener('dragover', refuse);
      window.removeEventListener('drop', refuse);
    };
  }, []);
}
