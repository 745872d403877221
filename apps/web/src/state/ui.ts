import { create } from 'zustand';
import { persist } from 'zustand/middleware';

/** UI preferences that outlive a reload; data itself lives on the server. */
interface UiState {
  /** Who is annotating: recorded with every annotation. */
  annotator: string;
  setAnnotator: (name: string) => void;
  /** Training charts: raw σ instead of the normalised σ̃ of Figure 7. */
  rawSigma: boolean;
  setRawSigma: (raw: boolean) => void;
  /** Trace view: show each step's exact prompt. */
  showPrompts: boolean;
  setShowPrompts: (show: boolean) => void;
}

export const useUi = create<UiState>()(
  persist(
    (set) => ({
      annotator: '',
      setAnnotator: (annotator) => set({ annotator: annotator.trim() }),
      rawSigma: false,
      setRawSigma: (rawSigma) => set({ rawSigma }),
      showPrompts: false,
      setShowPrompts: (showPrompts) => set({ showPrompts }),
    }),
    { name: 'steper-ui' },
  ),
);
