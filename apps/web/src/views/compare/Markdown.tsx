import ReactMarkdown, { defaultUrlTransform } from 'react-markdown';
import remarkGfm from 'remark-gfm';
import { figureUrl } from './reportTypes';

interface MdNode {
  type: string;
  value?: string;
  children?: MdNode[];
}

/** Raw HTML in a report is shown as the text it is, never rendered (nor silently dropped). */
function htmlAsText() {
  const visit = (node: MdNode) => {
    if (node.type === 'html') node.type = 'text';
    node.children?.forEach(visit);
  };
  return (tree: MdNode) => visit(tree);
}

/**
 * A report's Markdown (GFM tables) as the reports write it. Relative image paths are the report's
 * own figures, served by the server; other relative links go nowhere and are dropped.
 */
export function Markdown({ text, reportId, figures }: { text: string; reportId: string; figures: string[] }) {
  return (
    <div className="markdown" data-testid="report-markdown">
      <ReactMarkdown
        remarkPlugins={[remarkGfm, htmlAsText]}
        urlTransform={(url, key) => {
          if (/^[a-z][a-z0-9+.-]*:/i.test(url) || url.startsWith('#') || url.startsWith('/')) {
            return defaultUrlTransform(url);
          }
          const name = url.replace(/^\.\//, '');
          return key === 'src' && figures.includes(name) ? figureUrl(reportId, name) : '';
        }}
      >
        {text}
      </ReactMarkdown>
    </div>
  );
}
